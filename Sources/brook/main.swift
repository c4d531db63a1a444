print("brook placeholder")
