package dev.imagegateway.ops;

import org.apache.camel.Exchange;

/** Counts what the save-image route wrote, or failed to. */
public class ImageSaveMetrics {

    private final GatewayMetrics metrics;

    public ImageSaveMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    public void saved(Exchange exchange) {
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        metrics.imageSaved(bytes == null ? 0 : bytes.length);
    }

    public void failed(Exchange exchange) {
        metrics.saveFailed();
    }
}
