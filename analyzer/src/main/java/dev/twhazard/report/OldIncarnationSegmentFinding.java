package dev.twhazard.report;

/**
 * A segment of the previous incarnation's sequence space arriving in the current incarnation.
 *
 * @param inWindow the current incarnation would accept it (data corruption risk)
 * @param direction {@code client_to_server} or {@code server_to_client}
 */
public record OldIncarnationSegmentFinding(Finding.FindingCore core, boolean inWindow, String direction)
        implements Finding {
}
