package dev.solvegate.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the browser tests need: /usr/bin/chromium, node and e2e/browser/node_modules ({@code .ci/browser.sh}
 * installs them). Under {@code CI=true} their absence fails the test, elsewhere it is skipped with a notice.
 */
final class BrowserTools {

    private BrowserTools() {}

    /** The folder of the browser scripts, once the tools are known to be there. */
    static Path require(Class<?> test) {
        Path browser = Repo.root().resolve("e2e/browser");
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing.add("/usr/bin/chromium");
        }
        if (!onPath("node")) {
            missing.add("node");
        }
        if (!Files.isRegularFile(browser.resolve("node_modules/playwright-core/package.json"))) {
            missing.add("e2e/browser/node_modules/playwright-core");
        }
        if (missing.isEmpty()) {
            return browser;
        }
        String why = "browser test needs " + String.join(", ", missing) + "; run .ci/browser.sh to install them";
        if (Repo.ci()) {
            fail(why + " (CI=true: not skipped)");
        }
        System.out.println("NOTICE: SKIPPED " + test.getSimpleName() + ": " + why);
        Assumptions.abort(why);
        return browser;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
