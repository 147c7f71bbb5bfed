package dev.imagegateway.security;

import dev.imagegateway.error.ErrorKind;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    @Test
    void anyOfTheCommaSeparatedKeysMatches() {
        ApiKeys keys = ApiKeys.parse(" alpha , beta,,gamma ");
        assertEquals(3, keys.size());
        assertTrue(keys.matches("alpha"));
        assertTrue(keys.matches("beta"));
        assertTrue(keys.matches("gamma"));
    }

    @Test
    void anythingElseDoesNot() {
        ApiKeys keys = ApiKeys.parse("alpha,beta");
        assertFalse(keys.matches("alph"));
        assertFalse(keys.matches("alphaa"));
        assertFalse(keys.matches("ALPHA"));
        assertFalse(keys.matches("alpha,beta"));
        assertFalse(keys.matches(""));
        assertFalse(keys.matches(null));
    }

    @Test
    void noKeysMatchNothing() {
        assertTrue(ApiKeys.parse(" , ").isEmpty());
        assertFalse(ApiKeys.parse(null).matches("x"));
    }

    @Test
    void generatedKeysAreLongAndFresh() {
        String a = ApiKeys.generate();
        assertTrue(a.matches("[0-9a-f]{48}"), a);
        assertNotEquals(a, ApiKeys.generate());
    }

    private static Exchange exchangeWithKey(String key) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ApiKeyFilter.PRESENTED_KEY, key);
        return exchange;
    }

    @Test
    void filterLetsAGoodKeyThroughAndForgetsIt() {
        Exchange exchange = exchangeWithKey("beta");
        assertDoesNotThrow(() -> new ApiKeyFilter(ApiKeys.parse("alpha,beta")).process(exchange));
        assertNull(exchange.getProperty(ApiKeyFilter.PRESENTED_KEY));
    }

    @Test
    void filterRefusesAWrongOrMissingKey() {
        ApiKeyFilter filter = new ApiKeyFilter(ApiKeys.parse("alpha"));
        for (String key : new String[] {"wrong", "", null}) {
            Exchange exchange = exchangeWithKey(key);
            GatewayException e = assertThrows(GatewayException.class, () -> filter.process(exchange));
            assertEquals(ErrorKind.UNAUTHENTICATED, e.kind());
            assertEquals("Invalid API key", e.getMessage());
            assertNull(exchange.getProperty(ApiKeyFilter.PRESENTED_KEY));
        }
    }

    @Test
    void keysFileLinesCarryBudgetsAllowListsAndRoles() {
        ApiKeys keys = ApiKeys.parseFile(java.util.List.of(
                "team-a:sha256:" + "ab".repeat(32) + " budget_day=5 budget_month=100.50 models=gpt-image-2.6-flare,imagen-4",
                "boss:boss-secret role=admin",
                "plain:plain-secret rpm=10"));
        ApiKeys.Grants a = keys.entries().get(0).grants();
        assertEquals(new java.math.BigDecimal("5"), a.budgetDay());
        assertEquals(new java.math.BigDecimal("100.50"), a.budgetMonth());
        assertTrue(a.hasBudget());
        assertTrue(a.allows("imagen-4"));
        assertFalse(a.allows("dall-e-3"));
        assertFalse(a.admin());
        assertTrue(keys.match("boss-secret").orElseThrow().grants().admin());
        ApiKeys.Grants plain = keys.match("plain-secret").orElseThrow().grants();
        assertFalse(plain.hasBudget());
        assertTrue(plain.allows("anything"), "no models= line: every model");
        // the operator's keys (API_SECRET_KEY) are admin keys without budget
        assertTrue(ApiKeys.parse("k").entries().get(0).grants().admin());
    }

    @Test
    void badBudgetRoleOrRepeatedNameIsRefusedNamingTheLineNotTheKey() {
        assertEquals("line 1: budget_day must be an amount in US dollars, such as 5 or 0.50",
                assertThrows(IllegalArgumentException.class, () -> ApiKeys.parseFile(java.util.List.of("a:secret-a budget_day=five"))).getMessage());
        assertEquals("line 1: budget_month must be an amount in US dollars, such as 5 or 0.50",
                assertThrows(IllegalArgumentException.class, () -> ApiKeys.parseFile(java.util.List.of("a:secret-a budget_month=-1"))).getMessage());
        assertEquals("line 1: role is admin or user",
                assertThrows(IllegalArgumentException.class, () -> ApiKeys.parseFile(java.util.List.of("a:secret-a role=root"))).getMessage());
        assertEquals("line 1: models needs at least one model name",
                assertThrows(IllegalArgumentException.class, () -> ApiKeys.parseFile(java.util.List.of("a:secret-a models=,"))).getMessage());
        assertEquals("the name 'env-1' is taken by a key of API_SECRET_KEY", assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.parse("k", "env").plus(ApiKeys.parseFile(java.util.List.of("env-1:other-secret")))).getMessage());
        String repeated = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.parseFile(java.util.List.of("a:secret-a", "a:secret-b"))).getMessage();
        assertEquals("line 2: the name 'a' is on line 1 already", repeated);
        assertFalse(repeated.contains("secret"));
    }
}
