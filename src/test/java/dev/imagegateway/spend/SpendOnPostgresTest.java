package dev.imagegateway.spend;

import org.junit.jupiter.api.BeforeAll;

/** The spend suite on a real PostgreSQL server (Debian's package; see PostgresServer). */
class SpendOnPostgresTest extends SpendSuite {

    private static String url;

    @BeforeAll
    static void server() throws Exception {
        // aborts (or, with REQUIRE_POSTGRES=1, fails) the class here when PostgreSQL is not installed
        database();
    }

    private static synchronized String database() throws Exception {
        if (url == null) {
            url = PostgresServer.newDatabase();
        }
        return url;
    }

    @Override
    String databaseUrl() {
        try {
            return database();
        } catch (Exception | AssertionError e) {
            // not installed: the @BeforeAll above says so; the gateway is never started
            return "";
        }
    }
}
