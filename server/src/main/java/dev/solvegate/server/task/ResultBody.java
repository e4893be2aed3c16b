package dev.solvegate.server.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.core.Refusal;

/**
 * The body of an ended task, as getTaskResult answers it and as its callback carries it: built here only.
 * Thread-safety: stateless.
 */
public final class ResultBody {

    private ResultBody() {}

    /** {@code {"errorId":0,"status":"ready","solution":{"token"},"cost","ip","createTime","endTime","solveCount"}}. */
    public static ObjectNode ready(TaskView t) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("errorId", 0).put("status", "ready");
        out.putObject("solution").put("token", t.token());
        return out.put("cost", Money.format(t.cost() == null ? 0 : t.cost()))
                .put("ip", t.clientIp())
                .put("createTime", t.createdAt() / 1000)
                .put("endTime", t.endedAt() / 1000)
                .put("solveCount", t.solveCount());
    }

    /** The error a failed task ended with, as a refusal (its description as stored at the end). */
    public static Refusal failure(TaskView t) {
        ErrorCode code = ErrorCode.valueOf(t.errorCode());
        return new Refusal(code, t.errorDescription() == null ? code.description() : t.errorDescription());
    }

    /** The error body of a failed task, with {@code "taskId"} and {@code "status":"failed"} added. */
    public static ObjectNode failed(TaskView t) {
        return failure(t).body().put("taskId", t.id()).put("status", "failed");
    }
}
