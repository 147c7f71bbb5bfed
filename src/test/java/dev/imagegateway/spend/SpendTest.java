package dev.imagegateway.spend;

/** The spend suite on the default embedded database (H2 under DATA_DIR). */
class SpendTest extends SpendSuite {

    @Override
    String databaseUrl() {
        return "";
    }
}
