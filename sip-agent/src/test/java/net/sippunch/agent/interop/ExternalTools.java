package net.sippunch.agent.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Finds the programs interop tests run: skipped with a reason outside CI, a failure in CI (CI=true). */
public final class ExternalTools {

    private ExternalTools() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (outside CI) or fails (in CI) when {@code program} is not on the PATH (or in /usr/sbin). */
    public static String require(String program, String debianPackage) {
        Optional<String> found = find(program);
        if (found.isPresent()) {
            return found.get();
        }
        String reason = program + " not found; install Debian package " + debianPackage;
        if (inCi()) {
            fail(reason);
        }
        System.err.println("skipped: " + reason);
        Assumptions.abort(reason);
        return null;
    }

    /** The program's path on the PATH (or in /usr/sbin), if it is there. */
    public static Optional<String> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator
                + "/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, program);
            if (f.canExecute()) {
                return Optional.of(f.getAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
