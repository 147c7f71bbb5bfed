package dev.imagegateway.inbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.imagegateway.ops.LogText;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox reads only regular files that really live in it. Anything else named like a prompt file (a symbolic link,
 * which could point at /etc/passwd; a directory; a FIFO or a device, whose read would block the poll) is moved to
 * {@code .error/} as it is, unread, with its reason beside it. Runs as the file consumer's filter, before any read
 * lock or read.
 */
public class InboxEntryGuard implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final Path inboxDir;

    public InboxEntryGuard(Path inboxDir) {
        this.inboxDir = inboxDir;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        Path path = file.getFile().toPath().toAbsolutePath().normalize();
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        String name = path.getFileName().toString();
        if (!InboxFileParser.isSupported(name) || !path.getParent().equals(inboxDir)) {
            return false; // another folder, or something that is no prompt file at all: not the inbox's business
        }
        String reason = Files.isSymbolicLink(path) ? "a symbolic link: only regular files in the inbox itself are read"
                : Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "a directory, not a prompt file"
                : "not a regular file (a FIFO, socket or device): only regular files are read";
        try {
            Path error = Files.createDirectories(inboxDir.resolve(".error"));
            // the entry itself moves (a link, not its target), unread
            Files.move(path, error.resolve(name), StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            Files.writeString(error.resolve(name + ".reason.txt"), "Refused unread: " + reason + "\n", StandardCharsets.UTF_8);
            LOG.warn("Inbox {}: moved to .error/ unread ({})", LogText.token(name), reason);
        } catch (IOException e) {
            LOG.warn("Inbox {}: refused ({}), and could not be moved to .error/: {}", LogText.token(name), reason, e.getClass().getSimpleName());
        }
        return false;
    }
}
