/**
 * The Java client of the solvegate task API: {@link dev.solvegate.client.SolvegateClient} (createTask,
 * getTaskResult, solve, getBalance, cancelTask), {@link dev.solvegate.client.FunCaptchaTask}, the results
 * ({@link dev.solvegate.client.TaskResult}, {@link dev.solvegate.client.Solution}, {@link
 * dev.solvegate.client.Balance}, {@link dev.solvegate.client.PackageInfo}) and the one failure, {@link
 * dev.solvegate.client.SolvegateException}. Java 17 or later; Jackson is its only dependency. It logs through
 * {@link java.lang.System.Logger} under the name {@code dev.solvegate.client}, at DEBUG and TRACE only.
 */
package dev.solvegate.client;
