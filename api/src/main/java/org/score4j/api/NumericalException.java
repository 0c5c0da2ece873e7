package org.score4j.api;

/** A computation produced NaN or infinite values, or otherwise left its domain of validity. */
public class NumericalException extends Score4jException {
    private static final long serialVersionUID = 1L;

    public NumericalException(String message) {
        super(message);
    }
}
