-- every line of the batch is on the topic: the file is moved to .done/, and dropping it again makes a new batch
UPDATE inbox_batches SET queued_at = :#now WHERE batch_id = :#batch_id AND queued_at IS NULL
