// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * delay_bridge: a two-port Ethernet bridge that holds every frame for a fixed
 * time before passing it on.  It stands in for `tc qdisc ... netem delay`,
 * which the lab kernel does not have (no sch_netem).
 *
 *   delay_bridge IFACE_A IFACE_B DELAY_MICROSECONDS [MAX_SECONDS]
 *
 * It reads frames from each interface with an AF_PACKET socket and writes
 * them, unchanged, to the other one DELAY after the kernel received them.
 * The interfaces must have no addresses and the kernel must not forward
 * between them, so this program is the only path.  Both directions get the
 * same delay, so the round trip is 2 x DELAY plus the end hosts' own time.
 *
 * Offloads must be off on every interface of the path (the lab script runs
 * ethtool): with TSO/GSO a "frame" can be 64 KB, and with TX checksum offload
 * the checksum is not filled in yet when a packet socket sees it.
 *
 * It stops by itself after MAX_SECONDS (default 900) or on SIGINT/SIGTERM,
 * and prints what it did to stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Ethernet + one VLAN tag + MTU 1500 fits; anything longer means an offload
 * was left on, which the program reports instead of forwarding garbage. */
#define FRAME_CAPACITY 2048
/* Enough for the bandwidth-delay product of the lab's small transfers; a
 * full queue drops, like a real link would. */
#define QUEUE_SLOTS 4096
/* The captures promise RTTs within 0.5 ms of the configured value; a frame
 * sent more than this after its time is counted so a bad run shows. */
#define LATE_THRESHOLD 200000

typedef int64_t nanoseconds;

struct held_frame {
    nanoseconds release_at;
    uint16_t length;
    uint8_t bytes[FRAME_CAPACITY];
};

/* One direction of the bridge.  Every frame gets the same delay, so release
 * times are in arrival order and a FIFO ring is enough. */
struct direction {
    const char *name;
    int receive_socket;
    int send_socket;
    struct held_frame *slots;
    unsigned head;
    unsigned count;
    uint64_t forwarded;
    uint64_t dropped_queue_full;
    uint64_t dropped_oversize;
    uint64_t send_errors;
    uint64_t sent_late;
    nanoseconds worst_lateness;
};

static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static nanoseconds now_realtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (nanoseconds)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_port(const char *interface_name)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    if (fd < 0) {
        perror("socket(AF_PACKET)");
        exit(1);
    }
    unsigned index = if_nametoindex(interface_name);
    if (index == 0) {
        fprintf(stderr, "delay_bridge: no interface %s\n", interface_name);
        exit(1);
    }
    struct sockaddr_ll address = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = (int)index,
    };
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        perror("bind");
        exit(1);
    }
    /* Frames for the far host's MAC address must reach us too. */
    struct packet_mreq promiscuous = { .mr_ifindex = (int)index, .mr_type = PACKET_MR_PROMISC };
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promiscuous, sizeof promiscuous) < 0) {
        perror("PACKET_ADD_MEMBERSHIP");
        exit(1);
    }
    /* Without this the socket would read back what we send on it and
     * bounce every frame forever. */
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) {
        perror("PACKET_IGNORE_OUTGOING");
        exit(1);
    }
    /* The kernel's receive time, not ours, is when the frame "arrived":
     * our wake-up latency must not add to the configured delay. */
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0) {
        perror("SO_TIMESTAMPNS");
        exit(1);
    }
    return fd;
}

static nanoseconds kernel_receive_time(struct msghdr *message)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(message); c != NULL; c = CMSG_NXTHDR(message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            return (nanoseconds)ts.tv_sec * 1000000000 + ts.tv_nsec;
        }
    }
    return now_realtime();
}

static void receive_all(struct direction *d, nanoseconds delay)
{
    for (;;) {
        struct held_frame scratch;
        bool queue_full = d->count == QUEUE_SLOTS;
        struct held_frame *slot = queue_full ? &scratch : &d->slots[(d->head + d->count) % QUEUE_SLOTS];
        struct sockaddr_ll from;
        struct iovec buffer = { .iov_base = slot->bytes, .iov_len = sizeof slot->bytes };
        union {
            char space[CMSG_SPACE(sizeof(struct timespec))];
            struct cmsghdr align;
        } control;
        struct msghdr message = {
            .msg_name = &from,
            .msg_namelen = sizeof from,
            .msg_iov = &buffer,
            .msg_iovlen = 1,
            .msg_control = control.space,
            .msg_controllen = sizeof control.space,
        };
        ssize_t length = recvmsg(d->receive_socket, &message, MSG_TRUNC);
        if (length < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                perror("recvmsg");
            return;
        }
        if ((size_t)length > sizeof slot->bytes) {
            d->dropped_oversize++;
            continue;
        }
        if (queue_full) {
            d->dropped_queue_full++;
            continue;
        }
        slot->length = (uint16_t)length;
        slot->release_at = kernel_receive_time(&message) + delay;
        d->count++;
    }
}

static void send_due(struct direction *d, nanoseconds now)
{
    while (d->count > 0 && d->slots[d->head].release_at <= now) {
        struct held_frame *slot = &d->slots[d->head];
        nanoseconds lateness = now - slot->release_at;
        if (lateness > d->worst_lateness)
            d->worst_lateness = lateness;
        if (lateness > LATE_THRESHOLD)
            d->sent_late++;
        if (send(d->send_socket, slot->bytes, slot->length, 0) < 0)
            d->send_errors++;
        else
            d->forwarded++;
        d->head = (d->head + 1) % QUEUE_SLOTS;
        d->count--;
    }
}

static void report(const struct direction *d)
{
    fprintf(stderr,
            "delay_bridge %s: forwarded %llu, dropped %llu (queue full) %llu (oversize), send errors %llu, "
            "sent late (> %.1f ms) %llu, worst lateness %.3f ms\n",
            d->name, (unsigned long long)d->forwarded, (unsigned long long)d->dropped_queue_full,
            (unsigned long long)d->dropped_oversize, (unsigned long long)d->send_errors,
            LATE_THRESHOLD / 1e6, (unsigned long long)d->sent_late, (double)d->worst_lateness / 1e6);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s IFACE_A IFACE_B DELAY_MICROSECONDS [MAX_SECONDS]\n", argv[0]);
        return 2;
    }
    nanoseconds delay = strtoll(argv[3], NULL, 10) * 1000;
    long max_seconds = argc == 5 ? strtol(argv[4], NULL, 10) : 900;
    if (delay < 0 || max_seconds <= 0) {
        fprintf(stderr, "delay_bridge: bad delay or time limit\n");
        return 2;
    }

    /* The default 50 us timer slack, and being preempted by the busy end
     * hosts on a two-core machine, would show up as jitter in the RTT.
     * Both are best effort: without them the bridge still works. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    struct sched_param priority = { .sched_priority = 50 };
    if (sched_setscheduler(0, SCHED_FIFO, &priority) < 0)
        perror("delay_bridge: SCHED_FIFO (continuing without)");
    if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
        perror("delay_bridge: mlockall (continuing without)");

    struct sigaction on_stop = { .sa_handler = request_stop };
    sigaction(SIGINT, &on_stop, NULL);
    sigaction(SIGTERM, &on_stop, NULL);

    int port_a = open_port(argv[1]);
    int port_b = open_port(argv[2]);
    char name_a_to_b[64], name_b_to_a[64];
    snprintf(name_a_to_b, sizeof name_a_to_b, "%s->%s", argv[1], argv[2]);
    snprintf(name_b_to_a, sizeof name_b_to_a, "%s->%s", argv[2], argv[1]);
    struct direction directions[2] = {
        { .name = name_a_to_b, .receive_socket = port_a, .send_socket = port_b },
        { .name = name_b_to_a, .receive_socket = port_b, .send_socket = port_a },
    };
    for (int i = 0; i < 2; i++) {
        directions[i].slots = calloc(QUEUE_SLOTS, sizeof(struct held_frame));
        if (directions[i].slots == NULL) {
            perror("calloc");
            return 1;
        }
    }

    nanoseconds give_up_at = now_realtime() + (nanoseconds)max_seconds * 1000000000;
    struct pollfd watched[2] = { { .fd = port_a, .events = POLLIN }, { .fd = port_b, .events = POLLIN } };
    while (!stop_requested) {
        nanoseconds now = now_realtime();
        if (now >= give_up_at) {
            fprintf(stderr, "delay_bridge: time limit of %ld s reached\n", max_seconds);
            break;
        }
        /* On a busy virtual machine a timed sleep overshoots by 0.2 ms in
         * one wake-up of twenty and by 10 ms at worst (measured), while a
         * running thread is rarely held off for more than 0.1 ms.  So while
         * any frame is held the bridge polls without sleeping, and it only
         * sleeps when nothing is queued: a late wake-up then costs nothing,
         * since release times come from the kernel's receive timestamps.
         * The price is one busy CPU while traffic is in flight. */
        bool holding = directions[0].count > 0 || directions[1].count > 0;
        nanoseconds wait = holding ? 0 : give_up_at - now;
        struct timespec timeout = { .tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000 };
        int ready = ppoll(watched, 2, &timeout, NULL);
        if (ready < 0 && errno != EINTR) {
            perror("ppoll");
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (ready > 0 && (watched[i].revents & POLLIN))
                receive_all(&directions[i], delay);
        }
        now = now_realtime();
        send_due(&directions[0], now);
        send_due(&directions[1], now);
    }
    for (int i = 0; i < 2; i++) {
        report(&directions[i]);
        free(directions[i].slots);
    }
    close(port_a);
    close(port_b);
    return 0;
}
