	# The kheaders archive, packed after modpost (kernel/Makefile.kheaders).
	if is_enabled CONFIG_IKHEADERS; then
		objs="${objs} kernel/kheaders_data.o"
	fi
