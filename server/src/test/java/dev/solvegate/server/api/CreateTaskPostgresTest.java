package dev.solvegate.server.api;

import dev.solvegate.server.support.TestDatabase;

class CreateTaskPostgresTest extends CreateTaskContract {
    CreateTaskPostgresTest() {
        super(TestDatabase.POSTGRES);
    }
}
