package dev.imagegateway.gallery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegateway.error.GatewayException;
import dev.imagegateway.pipeline.ImageFormat;
import dev.imagegateway.rest.JsonResponses;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import dev.imagegateway.gallery.ImageStore.Entry;


/**
 * {@code GET /api/images?limit=&before=}: the saved images, newest first, a page at a time. {@code before} is the
 * last filename of the previous page (the answer's {@code next_before}); each entry has its URL, size, time and,
 * where recorded, the prompt it was made from.
 * <p>
 * The store is read on each call (a directory scan, or a bucket listing), keeping only the page in memory (a bounded
 * heap), so many thousand images cost one scan, not a sort of all of them.
 */
public class ImageGalleryLister implements Processor {

    static final int DEFAULT_LIMIT = 24;
    static final int MAX_LIMIT = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Newest first; names break ties, so the order is total and a page boundary never skips or repeats an image. */
    private static final Comparator<ImageStore.Entry> NEWEST_FIRST =
            Comparator.comparingLong(ImageStore.Entry::modified).reversed().thenComparing(ImageStore.Entry::name, Comparator.reverseOrder());

    private final ImageStore store;
    private final ImageMetadata metadata;

    public ImageGalleryLister(ImageStore store, ImageMetadata metadata) {
        this.store = store;
        this.metadata = metadata;
    }

    @Override
    public void process(Exchange exchange) {
        int limit = limit(exchange.getMessage().getHeader("limit", String.class));
        String before = exchange.getMessage().getHeader("before", String.class);
        Page page = page(limit, before == null || before.isEmpty() ? null : before);
        JsonResponses.replyRaw(exchange, 200, Buffer.buffer(json(page)));
        exchange.getMessage().setHeader("Cache-Control", "no-store");
    }

    record Page(List<Entry> entries, boolean more) {
    }

    Page page(int limit, String before) {
        Entry cursor = before == null ? null : cursor(before);
        // the `limit + 1` first entries after the cursor; the heap's head is the one that would be dropped next
        PriorityQueue<Entry> kept = new PriorityQueue<>(NEWEST_FIRST.reversed());
        try {
            store.forEach(entry -> {
                if (cursor != null && NEWEST_FIRST.compare(entry, cursor) <= 0) {
                    return;
                }
                kept.add(entry);
                if (kept.size() > limit + 1) {
                    kept.poll();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> sorted = new ArrayList<>(kept);
        sorted.sort(NEWEST_FIRST);
        boolean more = sorted.size() > limit;
        return new Page(more ? sorted.subList(0, limit) : sorted, more);
    }

    /**
     * Where the previous page ended: that image's place in the order. If it was deleted since, its name still
     * tells its second (the names start with it), which is close enough to go on from.
     */
    private Entry cursor(String before) {
        if (!ImageFileReader.isImageName(before)) {
            throw GatewayException.invalid("before", "Parameter 'before' must be an image file name from a previous page");
        }
        Entry found;
        try {
            found = store.entry(before);
        } catch (IOException e) {
            found = null;
        }
        if (found != null) {
            return found;
        }
        String seconds = before.contains("_") ? before.substring(0, before.indexOf('_')) : "";
        long modified = seconds.matches("[0-9]{1,12}") ? Long.parseLong(seconds) * 1000 + 999 : Long.MAX_VALUE;
        return new Entry(before, modified, 0);
    }

    static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_LIMIT) {
            throw GatewayException.invalid("limit", "Parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT);
        }
        return Integer.parseInt(value);
    }

    private byte[] json(Page page) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode images = root.putArray("images");
        for (Entry entry : page.entries()) {
            ObjectNode image = images.addObject();
            image.put("filename", entry.name());
            String direct = store.directUrl(entry.name());
            image.put("url", direct != null ? direct : "/images/" + entry.name());
            // listed names all have an image extension (ImageFileReader.isImageName)
            image.put("content_type", ImageFormat.ofFileName(entry.name()).mediaType());
            image.put("bytes", entry.bytes());
            image.put("created", Instant.ofEpochMilli(entry.modified()).toString());
            JsonNode recorded = metadata.read(entry.name());
            if (recorded != null) {
                for (String field : new String[] {"prompt", "revised_prompt", "model", "size", "door"}) {
                    if (recorded.hasNonNull(field)) {
                        image.put(field, recorded.get(field).asText());
                    }
                }
            }
        }
        if (page.more()) {
            root.put("next_before", page.entries().get(page.entries().size() - 1).name());
        } else {
            root.putNull("next_before");
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
