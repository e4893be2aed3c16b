package dev.solvegate.server.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A throwable's stack on one line: up to {@value #FRAMES} frames of each throwable in the cause chain as
 * {@code SimpleClass.method:line}, joined by {@code  < }, the number of frames left out as {@code (+N)}, and each
 * cause after {@code ; caused by }. Enough to find the place; the full trace is one {@code jcmd Thread.print} or
 * debugger away. Thread-safety: stateless.
 */
final class Stacks {

    static final int FRAMES = 6;
    static final int CAUSES = 4;

    private Stacks() {}

    static String compact(Throwable thrown) {
        StringBuilder s = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable t = thrown;
        for (int depth = 0; t != null && seen.add(t) && depth <= CAUSES; depth++, t = t.getCause()) {
            if (depth > 0) {
                s.append("; caused by ").append(t).append(" @ ");
            }
            StackTraceElement[] frames = t.getStackTrace();
            int shown = Math.min(FRAMES, frames.length);
            for (int i = 0; i < shown; i++) {
                if (i > 0) {
                    s.append(" < ");
                }
                StackTraceElement f = frames[i];
                s.append(LineHandler.shortName(f.getClassName())).append('.').append(f.getMethodName());
                if (f.getLineNumber() >= 0) {
                    s.append(':').append(f.getLineNumber());
                }
            }
            if (frames.length > shown) {
                s.append(" (+").append(frames.length - shown).append(')');
            }
        }
        return s.toString().replace('\n', ' ').replace('\r', ' ');
    }
}
