package org.score4j.api;

/**
 * Base of every error score4j reports to a user. Its message is one line, names what is wrong and, where it
 * applies, what is allowed. Front ends print the message alone (no stack trace) unless asked to be verbose.
 */
public class Score4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Score4jException(String message) {
        super(message);
    }

    public Score4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
