package dev.imagegateway.security;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PresentedKeyReaderTest {

    @ParameterizedTest(name = "Authorization [{0}], X-API-KEY [{1}] -> [{2}]")
    @CsvSource({
        "Bearer k1,, k1",
        "bearer   k1  ,, k1",
        "Bearer k1, k2, k1",
        ", k2, k2",
        "Basic dXNlcjpwYXNz, k2, k2",
        "Bearer , k2, k2",
        "Basic dXNlcjpwYXNz,,",
        ",,"})
    void takesTheBearerTokenElseTheHeader(String authorization, String apiKey, String expected) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("Authorization", authorization);
        exchange.getMessage().setHeader("X-API-KEY", apiKey);
        new PresentedKeyReader().process(exchange);
        assertEquals(expected, exchange.getProperty(ApiKeyFilter.PRESENTED_KEY));
    }
}
