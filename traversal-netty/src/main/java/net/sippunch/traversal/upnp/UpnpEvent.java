package net.sippunch.traversal.upnp;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What {@link UpnpPortMapping} reports. Every outcome other than {@link Mapped} is a normal result for the
 * call report (no UPnP on this LAN, a refusal, a timeout), never an error that stops the call.
 */
public sealed interface UpnpEvent {

    /** The media port is mapped and read back: advertise {@link UpnpMapping#external()}. */
    record Mapped(UpnpMapping mapping, int portsTried) implements UpnpEvent {
        public Mapped {
            Objects.requireNonNull(mapping, "mapping");
        }
    }

    /** The lease was refreshed. */
    record Renewed(UpnpMapping mapping) implements UpnpEvent {
        public Renewed {
            Objects.requireNonNull(mapping, "mapping");
        }
    }

    /** No IGD answered the search. */
    record Absent() implements UpnpEvent {
    }

    /** The IGD did not answer {@code step} before its deadline. */
    record TimedOut(IgdStep step) implements UpnpEvent {
        public TimedOut {
            Objects.requireNonNull(step, "step");
        }
    }

    /** The IGD refused {@code step} with a UPnP error ({@code code} 0 when it answered but wrongly). */
    record Refused(IgdStep step, int code, String reason) implements UpnpEvent {
        public Refused {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** {@code step} failed without a UPnP answer (I/O error, overloaded executor). */
    record Failed(IgdStep step, String reason) implements UpnpEvent {
        public Failed {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The IGD's external address is of no use to a peer on the internet (private, shared/CGNAT, not an
     * address, or not what discovery saw: the IGD sits behind another NAT). Nothing is advertised; a
     * mapping already made is deleted.
     *
     * @param reported the address the IGD reported, as text
     * @param reason   why it is useless
     */
    record UselessAddress(String reported, String reason) implements UpnpEvent {
        public UselessAddress {
            Objects.requireNonNull(reported, "reported");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A mapping was deleted (or its deletion attempted).
     *
     * @param external  the external address and port of the mapping ({@code 0.0.0.0} when the IGD's
     *                  address was never learned)
     * @param confirmed whether the IGD confirmed the deletion
     * @param detail    what happened, for the report
     */
    record Deleted(InetSocketAddress external, boolean confirmed, String detail) implements UpnpEvent {
        public Deleted {
            Objects.requireNonNull(external, "external");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
