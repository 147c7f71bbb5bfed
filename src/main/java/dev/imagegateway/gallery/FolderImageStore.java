package dev.imagegateway.gallery;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/**
 * The images in IMAGES_DIR (written there by the save route's {@code file:} endpoint), their metadata in
 * IMAGES_DIR/.meta/. Only a plain name of a regular file directly in the folder is read: no separator, no dot
 * segment, no hidden file (a half-written {@code .writing-} one), no symbolic link.
 */
public class FolderImageStore implements ImageStore {

    private final Path directory;
    private final Path meta;

    public FolderImageStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        this.meta = this.directory.resolve(".meta");
    }

    @Override
    public void forEach(Consumer<Entry> each) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (ImageFileReader.isImageName(name)) {
                    Entry entry = entry(name);
                    if (entry != null) {
                        each.accept(entry);
                    }
                }
            }
        }
    }

    @Override
    public Entry entry(String name) throws IOException {
        Path file = file(name);
        if (file == null) {
            return null;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? new Entry(name, attributes.lastModifiedTime().toMillis(), attributes.size()) : null;
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    @Override
    public byte[] read(String name) throws IOException {
        Path file = file(name);
        if (file == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    @Override
    public void writeMetadata(String name, byte[] json) throws IOException {
        Path temp = meta.resolve("." + name + ".tmp");
        try {
            Files.write(temp, json);
        } catch (NoSuchFileException firstImage) {
            // the folder is made when the first image needs it, not checked for on every save
            Files.createDirectories(meta);
            Files.write(temp, json);
        }
        Files.move(temp, meta.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public byte[] readMetadata(String name) throws IOException {
        try {
            return Files.readAllBytes(meta.resolve(name + ".json"));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return directory.toString();
    }

    /** The file a name stands for, or null when the name is not one the gateway gives. */
    private Path file(String name) {
        if (!ImageFileReader.isImageName(name)) {
            return null;
        }
        Path file = directory.resolve(name).normalize();
        return directory.equals(file.getParent()) ? file : null;
    }
}
