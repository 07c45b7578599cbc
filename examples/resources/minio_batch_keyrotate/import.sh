# Import a job by the ID `mc batch list ALIAS` shows. Jobs are kept by MinIO
# for about 3 days after they finish.
terraform import minio_batch_keyrotate.finance keyrotate-Qsk1r9YBkAuwZtMB5Sq4:0
