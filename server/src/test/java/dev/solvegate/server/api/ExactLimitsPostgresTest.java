package dev.solvegate.server.api;

import dev.solvegate.server.support.TestDatabase;

class ExactLimitsPostgresTest extends ExactLimitsContract {
    ExactLimitsPostgresTest() {
        super(TestDatabase.POSTGRES);
    }
}
