"""Builder of the bundled Qingdao demo dataset (data/qingdao/); run scripts/build_qingdao_dataset.py."""
