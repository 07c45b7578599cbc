import {
  to = minio_batch_keyrotate.finance
  identity = {
    id = "keyrotate-Qsk1r9YBkAuwZtMB5Sq4:0"
  }
}
