package dev.imagegateway;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.imagegateway.client.ClientCommand;
import dev.imagegateway.config.GatewayBootstrap;
import org.apache.camel.main.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar image-gateway.jar} runs the gateway; {@code java -jar image-gateway.jar client ...} calls one.
 */
@Command(name = "image-gateway", mixinStandardHelpOptions = true, subcommands = {ClientCommand.class, dev.imagegateway.client.EditCommand.class, dev.imagegateway.client.HealthCommand.class},
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
        CountDownLatch stopped = new CountDownLatch(1);
        // a JVM ended by SIGTERM exits 143 whatever its hooks did; once Camel has shut down cleanly, exit 0 instead
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (stopped.await(main.configure().getShutdownTimeout() + 30L, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().halt(main.getExitCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gateway-exit"));
        try {
            main.run();
        } finally {
            stopped.countDown();
        }
        return main.getExitCode();
    }
}
