package dev.solvegate.server.solver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.solvegate.server.core.Json;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The solver plugins this node has, by id, discovered with {@link ServiceLoader}. Thread-safety: immutable
 * after construction.
 */
public final class Solvers {

    private final Map<String, Solver> byId;

    public Solvers(Iterable<Solver> solvers) {
        Map<String, Solver> map = new TreeMap<>();
        for (Solver s : solvers) {
            if (map.putIfAbsent(s.id(), s) != null) {
                throw new IllegalStateException("two solvers share the id " + s.id());
            }
        }
        this.byId = Map.copyOf(map);
    }

    /** Every solver on the class path. */
    public static Solvers discover() {
        return new Solvers(ServiceLoader.load(Solver.class));
    }

    public Optional<Solver> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The ids, sorted. */
    public java.util.Set<String> ids() {
        return new java.util.TreeSet<>(byId.keySet());
    }

    /** Whether the solver {@code id} exists here and says it can take new work with these settings. */
    public boolean hasCapacity(String id, String settingsJson) {
        Solver s = byId.get(id);
        return s != null && s.hasCapacity(settings(settingsJson));
    }

    /**
     * Reads a template's settings text.
     *
     * @throws IllegalArgumentException when it is not a JSON object
     */
    public static SolverSettings settings(String json) {
        try {
            Map<String, Object> values = Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
            if (values == null) {
                throw new IllegalArgumentException("settings must be a JSON object");
            }
            values.values().removeIf(java.util.Objects::isNull);
            return new SolverSettings(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("settings must be a JSON object");
        }
    }
}
