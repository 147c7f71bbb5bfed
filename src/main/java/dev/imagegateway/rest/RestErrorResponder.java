package dev.imagegateway.rest;

import dev.imagegateway.error.ErrorMapper;
import dev.imagegateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** REST side of the error contract: {@code {"error": "..."}} with the status {@link ErrorMapper} decides. */
public class RestErrorResponder implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayException error = ErrorMapper.map(failure);
        JsonResponses.reply(exchange, error.kind().httpStatus(), "error", JsonResponses.messageWithId(exchange, error));
        JsonResponses.errorHeaders(exchange, error);
    }
}
