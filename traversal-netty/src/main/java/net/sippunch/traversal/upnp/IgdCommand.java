package net.sippunch.traversal.upnp;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A blocking IGD operation {@link UpnpPortMapping} asks its driver to run; the answer comes back as an
 * {@link IgdReply} with the same {@link #id()}.
 */
public sealed interface IgdCommand {

    /** Identifies the command; its reply carries the same id, late replies of abandoned commands are dropped. */
    long id();

    /** The step of the mapping procedure this command belongs to, for reports. */
    IgdStep step();

    /** SSDP search for an IGD. */
    record Discover(long id, int timeoutMillis) implements IgdCommand {
        @Override
        public IgdStep step() {
            return IgdStep.DISCOVER;
        }
    }

    /** GetExternalIPAddress. */
    record GetExternalAddress(long id) implements IgdCommand {
        @Override
        public IgdStep step() {
            return IgdStep.EXTERNAL_ADDRESS;
        }
    }

    /** AddPortMapping (UDP); {@code renewal} tells a lease refresh of an existing mapping from a first add. */
    record AddMapping(long id, int externalPort, InetSocketAddress internal, int leaseSeconds, String description,
                      boolean renewal) implements IgdCommand {
        public AddMapping {
            Objects.requireNonNull(internal, "internal");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public IgdStep step() {
            return renewal ? IgdStep.RENEW : IgdStep.ADD;
        }
    }

    /** GetSpecificPortMappingEntry (UDP), the read-back after an add. */
    record ReadMapping(long id, int externalPort) implements IgdCommand {
        @Override
        public IgdStep step() {
            return IgdStep.READ_BACK;
        }
    }

    /** DeletePortMapping (UDP). */
    record DeleteMapping(long id, int externalPort) implements IgdCommand {
        @Override
        public IgdStep step() {
            return IgdStep.DELETE;
        }
    }
}
