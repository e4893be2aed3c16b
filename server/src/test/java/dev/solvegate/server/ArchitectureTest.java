package dev.solvegate.server;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependencies of the main code point one way (docs/ARCHITECTURE.md draws them): plain types at the
 * bottom, features above them, the engine and the HTTP edge above those, the node's wiring and the commands on
 * top. Every module on the server's class path is checked (the SPI, proxies, the puzzle site and solver too).
 */
@AnalyzeClasses(packages = "dev.solvegate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("dev.solvegate.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layersPointDown = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("core")
            .definedBy("dev.solvegate.server.core..", "dev.solvegate.server.logging..")
            .layer("config")
            .definedBy("dev.solvegate.server.config..")
            .layer("store")
            .definedBy("dev.solvegate.server.store..")
            .layer("features")
            .definedBy(
                    "dev.solvegate.server.account..",
                    "dev.solvegate.server.limit..",
                    "dev.solvegate.server.billing..",
                    "dev.solvegate.server.template..",
                    "dev.solvegate.server.intake..",
                    "dev.solvegate.server.solver..",
                    "dev.solvegate.server.metrics..")
            .layer("task")
            .definedBy("dev.solvegate.server.task..")
            .layer("engine")
            .definedBy("dev.solvegate.server.engine..")
            .layer("edge")
            .definedBy(
                    "dev.solvegate.server.http..",
                    "dev.solvegate.server.api..",
                    "dev.solvegate.server.admin..",
                    "dev.solvegate.server.console..")
            .layer("node")
            .definedBy("dev.solvegate.server.node..")
            .layer("commands")
            .definedBy("dev.solvegate.server", "dev.solvegate.server.cli..", "dev.solvegate.server.demo..")
            .whereLayer("commands")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("node")
            .mayOnlyBeAccessedByLayers("commands")
            .whereLayer("edge")
            .mayOnlyBeAccessedByLayers("node", "commands")
            .whereLayer("engine")
            .mayOnlyBeAccessedByLayers("node")
            .whereLayer("task")
            .mayOnlyBeAccessedByLayers("engine", "edge", "node")
            .whereLayer("features")
            .mayOnlyBeAccessedByLayers("task", "engine", "edge", "node", "commands")
            .whereLayer("store")
            .mayOnlyBeAccessedByLayers("features", "task", "engine", "edge", "node")
            .whereLayer("config")
            .mayOnlyBeAccessedByLayers("store", "features", "task", "engine", "edge", "node", "commands");
}
