package dev.imagegateway.models;

/** A catalog file that cannot be used; the message names the file, the line and the problem. */
public class ModelCatalogException extends RuntimeException {

    public ModelCatalogException(String message) {
        super(message, null, false, false);
    }
}
