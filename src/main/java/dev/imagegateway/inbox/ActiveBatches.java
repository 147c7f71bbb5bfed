package dev.imagegateway.inbox;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The prompt files being generated right now, by name, for the web console's batch view. */
public final class ActiveBatches {

    private final ConcurrentMap<String, Batch> batches = new ConcurrentHashMap<>();

    void started(Batch batch) {
        batches.put(batch.fileName(), batch);
    }

    void ended(String fileName) {
        if (fileName != null) {
            batches.remove(fileName);
        }
    }

    public Collection<Batch> list() {
        return List.copyOf(batches.values());
    }
}
