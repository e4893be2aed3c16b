package dev.solvegate.testkit;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link SolverContract#run()} found: one {@link Check} per rule of the SPI contract, in the order run.
 *
 * <p>Thread-safety: immutable.
 */
public final class Report {

    /**
     * One rule and its verdict.
     *
     * @param name the rule: {@code id}, {@code service entry}, {@code settings accepted}, {@code solves},
     *     {@code fails: <name>}, {@code concurrent}, {@code deadline}, {@code cancellation}, {@code network only
     *     through the context}
     * @param passed whether the solver kept it
     * @param detail what was seen, for a person
     */
    public record Check(String name, boolean passed, String detail) {}

    private final String solver;
    private final List<Check> checks;

    Report(String solver, List<Check> checks) {
        this.solver = solver;
        this.checks = List.copyOf(checks);
    }

    public List<Check> checks() {
        return checks;
    }

    /** The check named {@code name}, if it ran. */
    public Optional<Check> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<Check> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    public boolean passed() {
        return failures().isEmpty();
    }

    /** Throws an {@link AssertionError} listing every failed check, unless all passed. */
    public void assertPassed() {
        if (!passed()) {
            throw new AssertionError(toString());
        }
    }

    @Override
    public String toString() {
        String head = "solver-testkit: " + solver + ": "
                + (passed()
                        ? "all " + checks.size() + " checks passed"
                        : failures().size() + " of " + checks.size() + " checks failed");
        return checks.stream()
                .map(c -> (c.passed() ? "  ok   " : "  FAIL ") + c.name() + ": " + c.detail())
                .collect(Collectors.joining("\n", head + "\n", ""));
    }
}
