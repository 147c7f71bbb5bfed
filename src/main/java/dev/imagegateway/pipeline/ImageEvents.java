package dev.imagegateway.pipeline;

import org.apache.camel.Exchange;

/**
 * What a streaming door hears while its request is served, from wherever in the pipeline it happens: progress stages
 * and the partial images a provider sends while it works. A door that answers whole sets none ({@link #NONE}); the
 * pipeline reports to {@link #of} whatever the door. Implementations are called from the route's threads (and a
 * provider's), one event at a time per request.
 */
public interface ImageEvents {

    /** Exchange property: the request's ImageEvents. */
    String PROPERTY = "gatewayImageEvents";

    /** The stages a request goes through, in order. */
    String ACCEPTED = "accepted";
    String GENERATING = "generating";
    String RECEIVED = "received";
    String SAVED = "saved";

    ImageEvents NONE = new ImageEvents() {
        @Override
        public int partialImages() {
            return 0;
        }

        @Override
        public void progress(String stage) {
        }

        @Override
        public void partialImage(int index, byte[] image) {
        }
    };

    /** How many partial images the client asked for (0 to 3); a provider sends at most that many. */
    int partialImages();

    void progress(String stage);

    /** A partial image, raw bytes (png, jpeg or webp by its magic bytes). */
    void partialImage(int index, byte[] image);

    static ImageEvents of(Exchange exchange) {
        ImageEvents events = exchange.getProperty(PROPERTY, ImageEvents.class);
        return events != null ? events : NONE;
    }
}
