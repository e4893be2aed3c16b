package dev.solvegate.server.console;

import dev.solvegate.server.account.AccountStore.AccountView;
import dev.solvegate.server.account.AccountStore.KeyView;
import dev.solvegate.server.account.AccountStore.PackageView;
import dev.solvegate.server.api.CustomerReads;
import dev.solvegate.server.billing.Ledger;
import dev.solvegate.server.task.Tasks;
import dev.solvegate.server.template.TemplateStore.Template;
import java.util.List;
import java.util.Set;

/** What each page of the consoles shows: the models of the templates in {@code src/main/jte}. Immutable. */
public final class Pages {

    private Pages() {}

    /**
     * What every page's frame needs. @param console {@code operator} or {@code customer} @param csrf the
     * session's CSRF token, or null when signed out @param current the page, for the navigation
     */
    public record Frame(String title, String console, String csrf, String current) {

        public boolean signedIn() {
            return csrf != null;
        }

        public boolean operator() {
            return console.equals("operator");
        }
    }

    /**
     * The sign-in form. @param label the field's label ("Admin token" or "Client key") @param error what went
     * wrong with the last try, or null
     */
    public record SignIn(Frame frame, String label, String field, String error) {}

    /** A page with one message, such as an unknown account. */
    public record Message(Frame frame, String heading, String text) {}

    public record Accounts(Frame frame, String search, List<AccountView> accounts) {}

    public record Account(
            Frame frame,
            AccountView account,
            List<PackageView> packages,
            List<KeyView> keys,
            List<Tasks.Recent> tasks,
            List<Ledger.Entry> ledger) {}

    public record Templates(Frame frame, List<Template> templates, Set<String> solvers) {}

    public record Service(Frame frame, boolean acceptingTasks) {}

    /**
     * The customer's page. @param keyPrefix the first characters of the key signed in with (the examples
     * never show the key itself) @param base this listener's address @param spendingJson the days as JSON,
     * for the chart
     */
    public record Customer(
            Frame frame,
            CustomerReads.Overview overview,
            List<Tasks.Recent> tasks,
            List<Ledger.Day> days,
            String keyPrefix,
            String base,
            String spendingJson) {}
}
