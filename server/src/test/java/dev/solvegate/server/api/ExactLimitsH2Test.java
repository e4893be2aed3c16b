package dev.solvegate.server.api;

import dev.solvegate.server.support.TestDatabase;

class ExactLimitsH2Test extends ExactLimitsContract {
    ExactLimitsH2Test() {
        super(TestDatabase.H2);
    }
}
