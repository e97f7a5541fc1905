package net.sippunch.sdp;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** What a peer's session description turned out to be, for one media stream. */
public sealed interface SdpReading {

    /**
     * The peer speaks the extension: everything the punch engine needs.
     *
     * @param peer what the peer said
     */
    record Extended(PeerExtension peer) implements SdpReading {
        /** Checks that no component is null. */
        public Extended {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * The peer is a plain SIP user agent for this stream (no {@code a=punch-version}), or speaks a
     * version this implementation does not know: send standard RTP to the {@code c=}/{@code m=}
     * address, or, when it speaks standard ICE, check its candidates.
     *
     * @param mediaTarget        the address from {@code c=} and the port from {@code m=}
     * @param unsupportedVersion the peer's extension version when it is one this side cannot read
     * @param ice                what the peer says of standard ICE (RFC 8839) for the stream, if anything
     */
    record Plain(InetSocketAddress mediaTarget, OptionalInt unsupportedVersion, Optional<IceDescription> ice)
            implements SdpReading {
        /** Checks that no component is null. */
        public Plain {
            Objects.requireNonNull(mediaTarget, "mediaTarget");
            Objects.requireNonNull(unsupportedVersion, "unsupportedVersion");
            Objects.requireNonNull(ice, "ice");
        }
    }

    /**
     * The description breaks the specification (this extension's or, for {@link IceReading}, RFC 8839's);
     * nothing of it was applied.
     *
     * @param attribute the attribute (or SDP line type such as {@code c} or {@code m}) that is wrong
     * @param problem   what is wrong with it
     */
    record Invalid(String attribute, String problem) implements SdpReading, IceReading {
        /** Checks that no component is null. */
        public Invalid {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(problem, "problem");
        }

        /** One line for logs and SIP reason phrases, e.g. {@code a=punch-delta: not an integer}. */
        public String message() {
            return (attribute.length() == 1 ? attribute + "=" : "a=" + attribute) + ": " + problem;
        }
    }
}
