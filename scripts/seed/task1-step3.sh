# The seed blog post's Task 1 Step 3, kept in its shape: curl config + key files (ec127.0.0.1,
# eckey127.0.0.1 in the current directory), listFileSystem piped through trentm's json and awk into
# createStorageSnapshot. Two changes from the post: the filesystem name comes from $FSNAME instead of
# being typed into the awk program, and the snapshot name from $SNAPNAME (default: the post's mysnappy2).
# Sourced by the seed-pipeline test (test/helpers/seed-pipeline.ts) and by the benchmark (bench/lib/seed-pipeline.mjs).
seed_task1_step3() {
  curl -K ec127.0.0.1 \
      -d @eckey127.0.0.1 -G -k -s -S \
      -d command=listFileSystem \
    | json listFilesystemResponse.filesystem \
    | json -a id name \
    | awk '$2==ENVIRON["FSNAME"] {print "id="$1}' \
    | curl -K ec127.0.0.1 \
      -d @eckey127.0.0.1 -G -k -s -S \
      -d command=createStorageSnapshot \
      -d name="${SNAPNAME:-mysnappy2}" \
      -d @- \
    | json createStorageSnapshotResponse.StorageSnapshot \
    | json -a id name
}
