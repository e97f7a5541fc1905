package net.sippunch.traversal.upnp;

import java.util.Objects;
import java.util.Optional;

/** The outcome of one {@link IgdCommand}, fed back to {@link UpnpPortMapping#handleReply}. */
public sealed interface IgdReply {

    /** The id of the command this answers. */
    long id();

    /** Discover finished: the gateway, or empty when none answered. */
    record Discovered(long id, Optional<IgdGateway> gateway) implements IgdReply {
        public Discovered {
            Objects.requireNonNull(gateway, "gateway");
        }
    }

    /** GetExternalIPAddress answered with this text. */
    record ExternalAddress(long id, String address) implements IgdReply {
        public ExternalAddress {
            Objects.requireNonNull(address, "address");
        }
    }

    /** AddPortMapping succeeded. */
    record MappingAdded(long id) implements IgdReply {
    }

    /** GetSpecificPortMappingEntry answered; empty when the IGD has no such mapping. */
    record MappingRead(long id, Optional<IgdMappingEntry> entry) implements IgdReply {
        public MappingRead {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /** DeletePortMapping succeeded. */
    record MappingDeleted(long id) implements IgdReply {
    }

    /** The IGD answered with a UPnP error. */
    record Fault(long id, int code, String description) implements IgdReply {
        public Fault {
            Objects.requireNonNull(description, "description");
        }
    }

    /** The operation failed without a UPnP answer (I/O error, bad description, executor deadline or overload). */
    record Failed(long id, String reason) implements IgdReply {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
