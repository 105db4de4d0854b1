package dev.bgevl.streams.failure;

/**
 * Marks an exception that says the input itself is wrong and always will be: retrying cannot help,
 * so it becomes a dead letter (ingest) or an {@code INVALID_REQUEST} reply (query), with this
 * reason.
 */
public interface RejectedInput {

  /** Why the input was refused; written into the dead letter's reason header. */
  DeadLetterReason reason();
}
