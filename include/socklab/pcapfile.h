/*
 * pcapfile: writes the classic pcap file format (what tcpdump -w writes
 * and tcpdump -r, Wireshark and termshark read): a 24-byte header with the
 * link type, then per frame a 16-byte record header (time in microseconds,
 * captured and original lengths) and the captured bytes, in host byte
 * order (the magic number tells readers which).
 *
 * Used by capture (serve --pcap) and by the lab's /save FILE.pcap. Every
 * write is checked; the first error is kept and given back by
 * pcapfile_close, so no failed write goes unreported.
 */
#ifndef SOCKLAB_PCAPFILE_H
#define SOCKLAB_PCAPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define PCAPFILE_HEADER_LEN 24
#define PCAPFILE_RECORD_LEN 16

struct pcapfile {
	FILE *f;
	int link; /* enum packet_link of every frame in the file */
	uint32_t snaplen;
	int err; /* errno of the first failed write, 0: none */
	uint64_t frames;
};

/* The file header for link and snaplen into out (pure). */
void pcapfile_header(uint8_t out[PCAPFILE_HEADER_LEN], int link, uint32_t snaplen);

/* A frame's record header (pure); caplen is cut to snaplen by the caller. */
void pcapfile_record(uint8_t out[PCAPFILE_RECORD_LEN], const struct timespec *ts, uint32_t caplen,
		     uint32_t wirelen);

/* Creates (truncates) path and writes the header. Returns 0, or -1 with
 * errno set (nothing is left open). */
int pcapfile_open(struct pcapfile *pf, const char *path, int link, uint32_t snaplen);

/* Appends one frame; bytes past snaplen are not written (wirelen keeps the
 * real size). Returns 0, or -1 once any write has failed (pf->err). */
int pcapfile_write(struct pcapfile *pf, const struct timespec *ts, const void *data,
		   uint32_t caplen, uint32_t wirelen);

/* Pushes buffered frames to the file. Returns 0, or -1 (pf->err). */
int pcapfile_flush(struct pcapfile *pf);

/* Flushes and closes. Returns 0, or the errno of the first failure of any
 * write, the flush or the close. */
int pcapfile_close(struct pcapfile *pf);

#endif
