package dev.imagegateway.client;

import picocli.CommandLine.Command;

/**
 * {@code edit --image a.png [--mask m.png] --prompt "..."}: the client's EditImage, by its own name (the same options
 * as {@code client}, where {@code --image} is what makes it an edit).
 */
@Command(name = "edit", mixinStandardHelpOptions = true, description = "Edit one or more images through the gateway's gRPC door (EditImage).")
public class EditCommand extends ClientCommand {

    @Override
    public Integer call() throws java.io.IOException {
        if (images.isEmpty()) {
            System.out.println("Error: edit needs at least one --image");
            return 2;
        }
        return super.call();
    }
}
