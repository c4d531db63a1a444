// BrookStorage placeholder
