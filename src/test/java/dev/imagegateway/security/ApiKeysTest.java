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
}
