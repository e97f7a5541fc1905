package net.sippunch.sdp;

import java.util.Objects;

/**
 * What a peer's session description says of standard ICE (RFC 8839) for one media stream: an
 * {@link IceDescription}, nothing, or credentials that break the grammar ({@link SdpReading.Invalid}).
 */
public sealed interface IceReading permits IceReading.Found, IceReading.Absent, SdpReading.Invalid {

    /**
     * The peer speaks ICE on the stream.
     *
     * @param description what it says
     */
    record Found(IceDescription description) implements IceReading {
        /** Checks that no component is null. */
        public Found {
            Objects.requireNonNull(description, "description");
        }
    }

    /** No ICE on the stream: no {@code a=ice-ufrag}/{@code a=ice-pwd} or no {@code a=candidate} line. */
    record Absent() implements IceReading {
    }
}
