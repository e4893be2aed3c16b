package dev.solvegate.server.solver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.solvegate.server.config.Config;
import dev.solvegate.server.core.Json;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import dev.solvegate.spi.SpiVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The solvers this node runs, by id: the built-in ones on the server's class path ({@code test},
 * {@code puzzle}) and the plugins of {@code SOLVEGATE_PLUGINS} ({@link PluginFolder}). Calls into a solver
 * from here run with the solver's class loader as the thread's context class loader.
 *
 * <p>Thread-safety: immutable after construction.
 */
public final class Solvers {

    private final Map<String, LoadedSolver> byId;

    Solvers(List<LoadedSolver> solvers) {
        Map<String, LoadedSolver> map = new TreeMap<>();
        for (LoadedSolver s : solvers) {
            LoadedSolver other = map.putIfAbsent(s.id(), s);
            if (other != null) {
                throw new PluginFailure(s.jar(), "solver id \"" + s.id() + "\" is already taken by " + other.jar());
            }
        }
        this.byId = Map.copyOf(map);
    }

    /**
     * The built-in solvers and the plugins of {@link Config#plugins()}.
     *
     * @throws PluginFailure naming the jar and the reason, when a plugin cannot load
     */
    public static Solvers load(Config config) {
        ClassLoader server = Solvers.class.getClassLoader();
        List<LoadedSolver> all = new ArrayList<>(builtIn(server));
        if (config.plugins() != null) {
            all.addAll(PluginFolder.load(config.plugins(), all, server));
        }
        return new Solvers(all);
    }

    /** The solvers listed in the server's own {@code META-INF/services}, as {@link LoadedSolver#BUILT_IN}. */
    private static List<LoadedSolver> builtIn(ClassLoader server) {
        String version = Optional.ofNullable(Solvers.class.getPackage().getImplementationVersion())
                .orElse("development");
        List<LoadedSolver> list = new ArrayList<>();
        for (Solver s : ServiceLoader.load(Solver.class, server)) {
            list.add(new LoadedSolver(s, LoadedSolver.BUILT_IN, version, SpiVersion.CURRENT));
        }
        return list;
    }

    public Optional<Solver> find(String id) {
        return Optional.ofNullable(byId.get(id)).map(LoadedSolver::solver);
    }

    /** Every solver, sorted by id. */
    public List<LoadedSolver> all() {
        return List.copyOf(byId.values().stream()
                .sorted(java.util.Comparator.comparing(LoadedSolver::id))
                .toList());
    }

    /** The ids, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(byId.keySet());
    }

    /** Whether the solver {@code id} exists here and says it can take new work with these settings. */
    public boolean hasCapacity(String id, String settingsJson) {
        LoadedSolver s = byId.get(id);
        return s != null && s.withItsLoader(() -> s.solver().hasCapacity(settings(settingsJson)));
    }

    /**
     * Asks the solver {@code id} whether it accepts a template's settings (SPI {@link Solver#checkSettings}).
     *
     * @return empty when accepted, else the solver's reason; a check that throws is a refusal naming the error
     * @throws IllegalArgumentException when there is no solver {@code id} or the settings are not a JSON object
     */
    public Optional<String> refusal(String id, String settingsJson) {
        LoadedSolver s = byId.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no solver " + id);
        }
        SolverSettings settings = settings(settingsJson);
        return s.withItsLoader(() -> {
            try {
                Optional<String> why = s.solver().checkSettings(settings);
                return why == null ? Optional.empty() : why.map(w -> w.isBlank() ? "refused without a reason" : w);
            } catch (RuntimeException | LinkageError e) {
                return Optional.of("the solver's settings check failed: " + PluginFolder.describe(e));
            }
        });
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
