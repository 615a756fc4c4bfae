package dev.twhazard.cli;

/** A problem with what the user asked for; reported in one line with exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
