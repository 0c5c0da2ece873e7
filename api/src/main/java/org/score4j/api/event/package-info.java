/** Run events: immutable, scalar-only records a run emits to a plain {@code Consumer<RunEvent>}. */
package org.score4j.api.event;
