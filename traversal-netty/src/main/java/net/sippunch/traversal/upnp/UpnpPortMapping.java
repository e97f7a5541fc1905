package net.sippunch.traversal.upnp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The UPnP port mapping of one media port, sans-IO: search for an IGD, learn its external address,
 * map the media port (UDP) to the same external port (the next ports on conflict, bounded), read the
 * mapping back, renew it at half-lease while the call lasts, delete it at the end.
 *
 * <p>Inputs: {@link #start}, {@link #handleReply}, {@link #handleTimeout}, {@link #checkDiscoveredAddress},
 * {@link #close}, each with the current time. Outputs: {@link #pollCommand} (blocking IGD operations for
 * the driver to run, one at a time), {@link #pollEvent}, {@link #pollTimeout}. No sockets, threads or
 * clocks; not thread-safe (one event loop owns it).
 *
 * <p>Every outcome is an event, never an exception: no IGD, a refusal (718 on every port tried, 501,
 * ...), a timeout. Error 725 (only permanent leases) is retried with lease 0; such a mapping is deleted
 * at the end like any other. An add that timed out or failed may still have happened on the router, so
 * {@link #close} tries to delete that port too.
 */
public final class UpnpPortMapping {

    private static final Logger LOG = LogManager.getLogger(UpnpPortMapping.class);
    private static final long NONE = Long.MIN_VALUE;

    private enum Stage { IDLE, WORKING, MAPPED, SETTLED, CLOSED }

    private final UpnpConfig config;
    private final ArrayDeque<IgdCommand> commands = new ArrayDeque<>();
    private final ArrayDeque<UpnpEvent> events = new ArrayDeque<>();

    private Stage stage = Stage.IDLE;
    private long nextId = 1;
    private IgdCommand outstanding;
    private long deadline = NONE;
    private long renewAt = NONE;
    private boolean closing;
    private boolean useless;
    private long staleReplies;

    private IgdGateway gateway;
    private InetAddress externalAddress;
    private String externalText = "";
    private Optional<InetAddress> discovered;
    private int port;
    private int portsTried;
    private int lease;
    private Integer heldPort;
    private UpnpMapping mapping;

    /** A mapping procedure with these settings; nothing happens before {@link #start}. */
    public UpnpPortMapping(UpnpConfig config) {
        this.config = config;
        this.discovered = config.discoveredAddress();
        this.port = config.internalPort();
        this.lease = config.leaseSeconds();
    }

    /** Starts the IGD search. Calling it twice is a programming error. */
    public void start(long nowNanos) {
        if (stage != Stage.IDLE) {
            throw new IllegalStateException("already started");
        }
        stage = Stage.WORKING;
        int millis = (int) Math.min(Integer.MAX_VALUE, config.discoveryTimeout().toMillis());
        issue(nowNanos, new IgdCommand.Discover(nextId++, millis), config.discoveryTimeout().toNanos());
    }

    /**
     * Feeds the reply to a command.
     *
     * @return {@code false} when it answers no outstanding command (late reply after a timeout): dropped and counted
     */
    public boolean handleReply(long nowNanos, IgdReply reply) {
        if (outstanding == null || reply.id() != outstanding.id()) {
            staleReplies++;
            LOG.debug("dropping stale IGD reply {}", reply);
            return false;
        }
        IgdCommand command = outstanding;
        outstanding = null;
        deadline = NONE;
        switch (command.step()) {
            case DISCOVER -> onDiscovered(nowNanos, reply);
            case EXTERNAL_ADDRESS -> onExternalAddress(nowNanos, reply);
            case ADD -> onAdded(nowNanos, reply);
            case READ_BACK -> onReadBack(nowNanos, reply);
            case RENEW -> onRenewed(nowNanos, reply);
            case DELETE -> onDeleted(reply, ((IgdCommand.DeleteMapping) command).externalPort());
        }
        advanceClose(nowNanos);
        return true;
    }

    /** Fires what is due: a command's deadline, a renewal. */
    public void handleTimeout(long nowNanos) {
        if (outstanding != null && nowNanos - deadline >= 0) {
            IgdCommand command = outstanding;
            outstanding = null;
            deadline = NONE;
            events.add(new UpnpEvent.TimedOut(command.step()));
            switch (command.step()) {
                case ADD -> {
                    heldPort = port; // it may have been made after all: delete it at the end
                    settle();
                }
                case READ_BACK -> settle();
                case RENEW -> {
                    if (useless) {
                        deleteHeld(nowNanos);
                    } else {
                        retryRenewalLater(nowNanos);
                    }
                }
                case DELETE -> {
                    events.add(new UpnpEvent.Deleted(external(((IgdCommand.DeleteMapping) command).externalPort()),
                            false, "no answer before the deadline"));
                    stage = closing ? Stage.CLOSED : Stage.SETTLED;
                }
                default -> settle();
            }
            advanceClose(nowNanos);
        }
        if (stage == Stage.MAPPED && outstanding == null && renewAt != NONE && nowNanos - renewAt >= 0 && !closing) {
            renewAt = NONE;
            issue(nowNanos, new IgdCommand.AddMapping(nextId++, mapping.external().getPort(), mapping.internal(),
                    lease, config.description(), true), 0);
        }
    }

    /**
     * Tells the public address discovery saw from the media port. When the IGD's external address
     * differs, the IGD is behind another NAT: {@link UpnpEvent.UselessAddress}, and a mapping already
     * made is deleted.
     */
    public void checkDiscoveredAddress(long nowNanos, InetAddress publicAddress) {
        discovered = Optional.of(publicAddress);
        if (externalAddress != null && !useless && !externalAddress.equals(publicAddress) && !closing
                && stage != Stage.CLOSED) {
            events.add(new UpnpEvent.UselessAddress(externalText,
                    "differs from the address discovery saw (" + publicAddress.getHostAddress() + ")"));
            useless = true;
            mapping = null;
            renewAt = NONE;
            if (outstanding == null) {
                if (heldPort != null) {
                    deleteHeld(nowNanos);
                } else {
                    settle();
                }
            }
        }
    }

    /**
     * Ends the mapping: waits for an outstanding command, then deletes what is (or may be) mapped and
     * reports it with {@link UpnpEvent.Deleted}. {@link #isClosed} tells when it is over.
     */
    public void close(long nowNanos) {
        closing = true;
        renewAt = NONE;
        if (stage == Stage.IDLE) {
            stage = Stage.CLOSED;
            return;
        }
        advanceClose(nowNanos);
    }

    /** The next blocking operation to run, or empty. Call until empty. */
    public Optional<IgdCommand> pollCommand() {
        return Optional.ofNullable(commands.poll());
    }

    /** The next event, or empty. Call until empty. */
    public Optional<UpnpEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    /** When {@link #handleTimeout} is next due: a command deadline or a renewal; empty when nothing is. */
    public OptionalLong pollTimeout() {
        if (deadline != NONE && renewAt != NONE) {
            return OptionalLong.of(deadline - renewAt < 0 ? deadline : renewAt);
        }
        if (deadline != NONE) {
            return OptionalLong.of(deadline);
        }
        return renewAt != NONE ? OptionalLong.of(renewAt) : OptionalLong.empty();
    }

    /** The mapping to advertise, while there is a usable one. */
    public Optional<UpnpMapping> mapping() {
        return Optional.ofNullable(mapping);
    }

    /** Whether the procedure is over (after {@link #close}, including the deletion). */
    public boolean isClosed() {
        return stage == Stage.CLOSED;
    }

    /** Replies that answered no outstanding command (they came after its deadline). */
    public long staleReplies() {
        return staleReplies;
    }

    // ---- replies ----

    private void onDiscovered(long now, IgdReply reply) {
        if (reply instanceof IgdReply.Discovered d) {
            if (d.gateway().isEmpty()) {
                events.add(new UpnpEvent.Absent());
                settle();
                return;
            }
            gateway = d.gateway().get();
            next(now, new IgdCommand.GetExternalAddress(nextId++));
        } else {
            failed(IgdStep.DISCOVER, reply);
            settle();
        }
    }

    private void onExternalAddress(long now, IgdReply reply) {
        if (!(reply instanceof IgdReply.ExternalAddress e)) {
            failed(IgdStep.EXTERNAL_ADDRESS, reply);
            settle();
            return;
        }
        externalText = e.address();
        Optional<InetAddress> parsed = AddressScope.parseIpv4(e.address());
        Optional<String> why = parsed.isEmpty() ? Optional.of("not an IPv4 address")
                : AddressScope.uselessBecause(parsed.get());
        if (why.isEmpty() && discovered.isPresent() && !discovered.get().equals(parsed.get())) {
            why = Optional.of("differs from the address discovery saw (" + discovered.get().getHostAddress() + ")");
        }
        if (why.isPresent()) {
            events.add(new UpnpEvent.UselessAddress(e.address(), why.get()));
            settle();
            return;
        }
        externalAddress = parsed.get();
        addCurrentPort(now);
    }

    private void onAdded(long now, IgdReply reply) {
        if (reply instanceof IgdReply.MappingAdded) {
            heldPort = port;
            if (useless) {
                deleteHeld(now);
                return;
            }
            next(now, new IgdCommand.ReadMapping(nextId++, port));
        } else if (reply instanceof IgdReply.Fault f && f.code() == IgdFault.CONFLICT_IN_MAPPING_ENTRY
                && portsTried < config.maxPorts() && port < 65535) {
            port++;
            addCurrentPort(now);
        } else if (reply instanceof IgdReply.Fault f && f.code() == IgdFault.ONLY_PERMANENT_LEASES_SUPPORTED
                && lease != 0) {
            lease = 0;
            portsTried--; // the same port again, with lease 0
            addCurrentPort(now);
        } else {
            if (reply instanceof IgdReply.Failed) {
                heldPort = port; // unknown whether the router made it
            }
            failed(IgdStep.ADD, reply);
            settle();
        }
    }

    private void onReadBack(long now, IgdReply reply) {
        if (useless) {
            deleteHeld(now);
            return;
        }
        InetSocketAddress internal = internal();
        boolean verified;
        if (reply instanceof IgdReply.MappingRead r && r.entry().isPresent()) {
            IgdMappingEntry entry = r.entry().get();
            if (!entry.internalClient().equals(internal.getAddress().getHostAddress())
                    || entry.internalPort() != internal.getPort()) {
                heldPort = null; // not ours: never delete it
                events.add(new UpnpEvent.Refused(IgdStep.READ_BACK, 0, "port " + port + " maps to "
                        + entry.internalClient() + ":" + entry.internalPort() + ", not to " + hostPort(internal)));
                settle();
                return;
            }
            verified = true;
        } else if (reply instanceof IgdReply.MappingRead
                || reply instanceof IgdReply.Fault f && f.code() == IgdFault.NO_SUCH_ENTRY_IN_ARRAY) {
            heldPort = null;
            events.add(new UpnpEvent.Refused(IgdStep.READ_BACK, IgdFault.NO_SUCH_ENTRY_IN_ARRAY,
                    "the IGD accepted port " + port + " but does not list it"));
            settle();
            return;
        } else {
            verified = false; // the IGD cannot read mappings back; it accepted the add
            LOG.debug("read-back of port {} not possible: {}", port, reply);
        }
        long expires = lease == 0 ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(lease);
        mapping = new UpnpMapping(new InetSocketAddress(externalAddress, port), internal, lease, expires, verified,
                gateway.name());
        stage = Stage.MAPPED;
        scheduleRenewal(now);
        events.add(new UpnpEvent.Mapped(mapping, portsTried));
    }

    private void onRenewed(long now, IgdReply reply) {
        if (useless) {
            deleteHeld(now);
            return;
        }
        if (reply instanceof IgdReply.MappingAdded) {
            mapping = mapping.renewed(lease == 0 ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(lease));
            scheduleRenewal(now);
            events.add(new UpnpEvent.Renewed(mapping));
        } else if (reply instanceof IgdReply.Fault f && f.code() == IgdFault.ONLY_PERMANENT_LEASES_SUPPORTED
                && lease != 0) {
            lease = 0;
            issue(now, new IgdCommand.AddMapping(nextId++, mapping.external().getPort(), mapping.internal(), 0,
                    config.description(), true), 0);
        } else {
            failed(IgdStep.RENEW, reply);
            retryRenewalLater(now);
        }
    }

    private void onDeleted(IgdReply reply, int externalPort) {
        InetSocketAddress external = external(externalPort);
        if (reply instanceof IgdReply.MappingDeleted) {
            events.add(new UpnpEvent.Deleted(external, true, "deleted"));
        } else if (reply instanceof IgdReply.Fault f) {
            events.add(new UpnpEvent.Deleted(external, false, "IGD answered UPnP error " + f.code()
                    + (f.description().isEmpty() ? "" : " " + f.description())));
        } else if (reply instanceof IgdReply.Failed f) {
            events.add(new UpnpEvent.Deleted(external, false, f.reason()));
        }
        heldPort = null;
        mapping = null;
        stage = closing ? Stage.CLOSED : Stage.SETTLED;
    }

    // ---- helpers ----

    private void addCurrentPort(long now) {
        portsTried++;
        next(now, new IgdCommand.AddMapping(nextId++, port, internal(), lease, config.description(), false));
    }

    private InetSocketAddress internal() {
        return new InetSocketAddress(gateway.localAddress(), config.internalPort());
    }

    /** Issues the next step unless closing, in which case the procedure stops here. */
    private void next(long now, IgdCommand command) {
        if (closing) {
            settle();
        } else {
            issue(now, command, 0);
        }
    }

    private void issue(long now, IgdCommand command, long extraNanos) {
        outstanding = command;
        deadline = now + config.commandTimeout().toNanos() + extraNanos;
        commands.add(command);
    }

    private void settle() {
        if (stage != Stage.CLOSED) {
            stage = Stage.SETTLED;
        }
        renewAt = NONE;
    }

    private void scheduleRenewal(long now) {
        renewAt = lease == 0 ? NONE : now + TimeUnit.SECONDS.toNanos(lease) / 2;
    }

    private void retryRenewalLater(long now) {
        if (mapping == null) {
            settle();
            return;
        }
        stage = Stage.MAPPED;
        renewAt = lease == 0 ? NONE : now + Math.max(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(lease) / 4);
    }

    private void failed(IgdStep step, IgdReply reply) {
        if (reply instanceof IgdReply.Fault f) {
            events.add(new UpnpEvent.Refused(step, f.code(), f.description()));
        } else if (reply instanceof IgdReply.Failed f) {
            events.add(new UpnpEvent.Failed(step, f.reason()));
        } else {
            events.add(new UpnpEvent.Refused(step, 0, "unexpected answer " + reply));
        }
    }

    private void deleteHeld(long now) {
        int p = heldPort;
        mapping = null;
        renewAt = NONE;
        stage = Stage.WORKING;
        issue(now, new IgdCommand.DeleteMapping(nextId++, p), 0);
    }

    private void advanceClose(long now) {
        if (!closing || outstanding != null || stage == Stage.CLOSED) {
            return;
        }
        if (heldPort != null) {
            deleteHeld(now);
        } else {
            mapping = null;
            stage = Stage.CLOSED;
        }
    }

    private InetSocketAddress external(int externalPort) {
        return new InetSocketAddress(
                externalAddress != null ? externalAddress : new InetSocketAddress(0).getAddress(), externalPort);
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
