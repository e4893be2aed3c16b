package dev.solvegate.server.api;

import dev.solvegate.server.support.TestDatabase;

class CreateTaskH2Test extends CreateTaskContract {
    CreateTaskH2Test() {
        super(TestDatabase.H2);
    }
}
