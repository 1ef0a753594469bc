/*
 * What vtpm-server does with one decoded mssim frame (frame_handler.c): runs it against
 * the vTPM service and writes the reply to the connection's socket.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "tools/vtpm-server/mssim_frame.h"

/** What handling a frame asks of the loop. */
enum frame_result { FRAME_DONE, FRAME_CLOSE, FRAME_STOP };

/** frame_handler_command() - act on one complete command-port frame, replying on @fd. */
enum frame_result frame_handler_command(int fd, const struct mssim_frame *f);

/**
 * frame_handler_platform() - act on one complete platform-port frame, replying on @fd;
 * @verbose logs the signal to stderr.
 */
enum frame_result frame_handler_platform(int fd, const struct mssim_frame *f, bool verbose);

/** frame_handler_ack() - write the u32 @v to @fd; false if the write failed or timed out. */
bool frame_handler_ack(int fd, uint32_t v);
