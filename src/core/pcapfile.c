/*
 * pcapfile: the classic pcap format, written through stdio (see
 * pcapfile.h). Multi-byte fields are in host byte order, as libpcap
 * writes them; the magic 0xa1b2c3d4 in that order tells readers.
 */
#include "socklab/pcapfile.h"

#include <errno.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

void pcapfile_header(uint8_t out[PCAPFILE_HEADER_LEN], int link, uint32_t snaplen)
{
	put32(out, 0xa1b2c3d4u);
	put16(out + 4, 2); /* version 2.4 */
	put16(out + 6, 4);
	put32(out + 8, 0);  /* thiszone */
	put32(out + 12, 0); /* sigfigs */
	put32(out + 16, snaplen);
	put32(out + 20, (uint32_t)link);
}

void pcapfile_record(uint8_t out[PCAPFILE_RECORD_LEN], const struct timespec *ts, uint32_t caplen,
		     uint32_t wirelen)
{
	put32(out, (uint32_t)ts->tv_sec);
	put32(out + 4, (uint32_t)(ts->tv_nsec / 1000));
	put32(out + 8, caplen);
	put32(out + 12, wirelen < caplen ? caplen : wirelen);
}

static int put(struct pcapfile *pf, const void *p, size_t n)
{
	if (pf->err)
		return -1;
	if (fwrite(p, 1, n, pf->f) != n) {
		pf->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int pcapfile_open(struct pcapfile *pf, const char *path, int link, uint32_t snaplen)
{
	uint8_t h[PCAPFILE_HEADER_LEN];
	int e;

	memset(pf, 0, sizeof *pf);
	pf->link = link;
	pf->snaplen = snaplen;
	pf->f = fopen(path, "wbe");
	if (pf->f == NULL)
		return -1;
	pcapfile_header(h, link, snaplen);
	errno = 0;
	if (put(pf, h, sizeof h) < 0 || fflush(pf->f) != 0) {
		e = pf->err ? pf->err : errno;
		fclose(pf->f);
		pf->f = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

int pcapfile_write(struct pcapfile *pf, const struct timespec *ts, const void *data,
		   uint32_t caplen, uint32_t wirelen)
{
	uint8_t r[PCAPFILE_RECORD_LEN];

	if (caplen > pf->snaplen)
		caplen = pf->snaplen;
	pcapfile_record(r, ts, caplen, wirelen);
	errno = 0;
	if (put(pf, r, sizeof r) < 0 || put(pf, data, caplen) < 0)
		return -1;
	pf->frames++;
	return 0;
}

int pcapfile_flush(struct pcapfile *pf)
{
	if (pf->err)
		return -1;
	errno = 0;
	if (fflush(pf->f) != 0) {
		pf->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int pcapfile_close(struct pcapfile *pf)
{
	int e = pf->err;

	if (pf->f == NULL)
		return e;
	errno = 0;
	if (fflush(pf->f) != 0 && e == 0)
		e = errno ? errno : EIO;
	if (fclose(pf->f) != 0 && e == 0)
		e = errno ? errno : EIO;
	pf->f = NULL;
	pf->err = e;
	return e;
}
