package dev.imagegateway.pipeline;

import org.apache.camel.Exchange;

/** Route steps that tell a streaming door where its request is ({@link ImageEvents}); the others hear nothing. */
public final class ImageStages {

    private ImageStages() {
    }

    /** The request passed its door's checks. */
    public static void accepted(Exchange exchange) {
        ImageEvents.of(exchange).progress(ImageEvents.ACCEPTED);
    }

    /** The upstream answered: the images are in hand. */
    public static void received(Exchange exchange) {
        ImageEvents.of(exchange).progress(ImageEvents.RECEIVED);
    }

    /** The images are saved. */
    public static void saved(Exchange exchange) {
        ImageEvents.of(exchange).progress(ImageEvents.SAVED);
    }
}
