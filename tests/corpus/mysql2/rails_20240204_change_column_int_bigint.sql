SET SESSION lock_wait_timeout = 5;
ALTER TABLE `events` MODIFY `counter` bigint;
