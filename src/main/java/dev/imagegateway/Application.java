package dev.imagegateway;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.imagegateway.client.ClientCommand;
import dev.imagegateway.config.GatewayBootstrap;
import org.apache.camel.main.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar image-gateway.jar} runs the gateway; {@code java -jar image-gateway.jar client ...} calls one.
 */
@Command(name = "image-gateway", mixinStandardHelpOptions = true, subcommands = ClientCommand.class,
         description = "Image generation gateway: gRPC and REST in front of OpenAI images, on Apache Camel.")
public class Application implements Callable<Integer> {

    /** The working directory's application.properties wins over the defaults packed in the jar. */
    static final String PROPERTY_LOCATIONS
            = "file:application.properties;optional=true,classpath:application.properties;optional=true";

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Application()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        GatewayBootstrap.install(main.configure(), Path.of(".env"));
        main.run();
        return main.getExitCode();
    }
}
