package net.sippunch.traversal.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** What a {@link TurnClient} reports; pulled with {@link TurnClient#pollEvent()}. */
public sealed interface TurnEvent {

    /** Error code of a failure that had no error response (no answer after all retransmissions). */
    int NO_RESPONSE = 0;

    /**
     * The server allocated a relayed address.
     *
     * @param relayed  the XOR-RELAYED-ADDRESS: where peers send to reach us
     * @param mapped   the XOR-MAPPED-ADDRESS: our address as the server saw it (a server-reflexive candidate)
     * @param lifetime the lifetime granted; the client refreshes before it runs out
     */
    record Allocated(InetSocketAddress relayed, InetSocketAddress mapped, Duration lifetime) implements TurnEvent {
    }

    /** A Refresh succeeded; the allocation lives {@code lifetime} from now. */
    record Refreshed(Duration lifetime) implements TurnEvent {
    }

    /** The server installed a permission for {@code peer}: data may now go to it and come from it. */
    record PermissionCreated(InetAddress peer) implements TurnEvent {
    }

    /**
     * A permission could not be created or refreshed; nothing is sent to {@code peer} any more.
     *
     * @param code the error code, or {@link #NO_RESPONSE}
     */
    record PermissionFailed(InetAddress peer, int code, String reason) implements TurnEvent {
    }

    /** The server bound {@code channel} to {@code peer}: data to it now goes as ChannelData. */
    record ChannelBound(int channel, InetSocketAddress peer) implements TurnEvent {
    }

    /**
     * A channel could not be bound or refreshed; data to {@code peer} goes by Send indication while its
     * permission lasts.
     *
     * @param code the error code, or {@link #NO_RESPONSE}
     */
    record ChannelFailed(int channel, InetSocketAddress peer, int code, String reason) implements TurnEvent {
    }

    /**
     * A peer sent data to the relayed address.
     *
     * @param viaChannel true when it came as ChannelData, false for a Data indication
     */
    record DataReceived(InetSocketAddress peer, byte[] data, boolean viaChannel) implements TurnEvent {
        public DataReceived {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DataReceived other && peer.equals(other.peer) && viaChannel == other.viaChannel
                    && Arrays.equals(data, other.data);
        }

        @Override
        public int hashCode() {
            return 31 * peer.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "DataReceived[" + peer + ", " + data.length + " bytes" + (viaChannel ? ", channel]" : "]");
        }
    }

    /**
     * The allocation failed or was lost; the client is finished.
     *
     * @param reason          one sentence: which request, what the server said
     * @param code            the error code, or {@link #NO_RESPONSE}
     * @param alternateServer with 300 Try Alternate, the server to try instead
     */
    record Failed(String reason, int code, Optional<InetSocketAddress> alternateServer) implements TurnEvent {
    }

    /** The allocation was released (Refresh with lifetime 0 answered); the client is finished. */
    record Released() implements TurnEvent {
    }
}
